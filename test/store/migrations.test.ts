import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/store/migrations.js';

describe('migration files', () => {
  it('have the same numbers and names on both backends, numbered 1, 2, 3… without gaps', () => {
    const names = (kind: 'sqlite' | 'postgres') => loadMigrations(kind).map((m) => `${m.version}_${m.name}`);
    expect(names('sqlite')).toEqual(names('postgres'));
    expect(loadMigrations('sqlite').map((m) => m.version)).toEqual(loadMigrations('sqlite').map((_, i) => i + 1));
  });
});
