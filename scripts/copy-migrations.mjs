// tsc compiles only TypeScript: the store's migration files go beside the compiled store.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/src/store/migrations', { recursive: true, force: true });
cpSync('src/store/migrations', 'dist/src/store/migrations', { recursive: true, filter: (p) => !p.endsWith('.ts') });
