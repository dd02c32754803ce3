import { AppProvider } from './app/AppProvider.tsx';
import { Shell } from './app/Shell.tsx';

export function App() {
  return (
    <AppProvider>
      <Shell />
    </AppProvider>
  );
}
