/** The series commands (shared/sync/series) over this app's store, in the rep's zone. */
import { useMemo } from 'react';
import { createSeriesCommands, type SeriesCommands } from '#shared/sync/index';
import { useApp } from '../../app/context.tsx';

export function useSeriesCommands(): SeriesCommands {
  const { db, commands, settings } = useApp();
  const zone = settings.timeZone;
  return useMemo(() => createSeriesCommands({ db, commands, timeZone: () => zone }), [db, commands, zone]);
}
