// tsc compiles only TypeScript: the store's migration files go beside the compiled store. Files
// are copied over (never removed first), so a server running from dist/ always finds them.
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/src/store/migrations', { recursive: true, filter: (p) => !p.endsWith('.ts') });
