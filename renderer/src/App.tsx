import { AppProvider } from './app/AppProvider.tsx';
import { Shell } from './app/Shell.tsx';
import { VIEW_PARTS } from './app/lazy-views.tsx';
import { useUiStore } from './state/store.ts';

// The first view's chunk loads while the store opens and the session is restored, not after
// (the views are split into chunks of their own: app/lazy-views.tsx).
VIEW_PARTS[useUiStore.getState().view].preload().catch(() => undefined);

export function App() {
  return (
    <AppProvider>
      <Shell />
    </AppProvider>
  );
}
