/**
 * Zod compiles fast object parsers with `new Function`, after probing whether eval is allowed. The BFF's
 * Content-Security-Policy allows no eval, so the probe fails (harmlessly) but reports a policy violation on every
 * page that validates a form. Jitless parsing gives the same results without the probe. Zod reads the setting when
 * a schema is built, so main.tsx imports this module before anything else.
 */
import { z } from 'zod';

z.config({ jitless: true });
