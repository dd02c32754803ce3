import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('fieldbook', { platform: 'electron' });
