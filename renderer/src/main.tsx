import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles/app.css';
import { installTypeColours } from './styles/palette.ts';

installTypeColours(document);

const el = document.getElementById('root');
if (!el) throw new Error('index.html has no #root');
createRoot(el).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
