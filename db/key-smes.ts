/** The key-SME list: listed applicants' cases are flagged priority. */
import type { Pool } from './pool.js';

export async function isKeySme(pool: Pool, creditCode: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM key_smes WHERE credit_code = $1', [creditCode]);
  return (rowCount ?? 0) > 0;
}
