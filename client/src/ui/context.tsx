import { createContext, useContext, type JSX } from 'solid-js';
import type { VideoCard } from '../app/cards.ts';
import type { createLibrary } from '../app/library.ts';
import type { Importer } from './importer.ts';
import type { Notices } from './notices.ts';

export type Library = ReturnType<typeof createLibrary>;

/** Everything the pages share: the library and its videos, the import flow, and the notice list. */
export interface AppServices {
  library: Library;
  /** `library.videos()` reconciled by id: stable objects per video, fine-grained updates. */
  videos: VideoCard[];
  importer: Importer;
  notices: Notices;
}

const AppContext = createContext<AppServices>();

export function AppProvider(props: { services: AppServices; children: JSX.Element }) {
  return <AppContext.Provider value={props.services}>{props.children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() must be called inside <AppProvider>.');
  return services;
}
