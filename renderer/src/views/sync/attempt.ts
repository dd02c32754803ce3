/** Run a rep's Sync-view decision (retry, discard, keep mine …) and say how it went in a toast. */
import { useCallback } from 'react';
import { toShownError } from '../../lib/errors.ts';
import { useUiStore } from '../../state/store.ts';

export function useAttempt(): (what: string, fn: () => Promise<void>) => Promise<void> {
  const toast = useUiStore((s) => s.toast);
  return useCallback(async (what, fn) => {
    try {
      await fn();
      toast(what, 'success');
    } catch (e) {
      toast(toShownError(e).message, 'error');
    }
  }, [toast]);
}
