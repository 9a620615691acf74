/** The application's models, owned by the shell: session, live feed, notifications. */
import { createFeed } from './feed';
import { session } from './session';
import { toasts } from './toasts';

export { session, toasts };

/** The one live-feed socket; a refused session ends the session. */
export const feed = createFeed({ onUnauthorized: () => session.expired() });
