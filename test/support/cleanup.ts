/** Before every test file (vitest setupFiles): remove its temporary folders when it ends. */
import { afterAll } from 'vitest';
import { removeTempFolders } from './temp-folder.js';

afterAll(() => removeTempFolders());
