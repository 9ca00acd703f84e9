// Placeholder until the BigQuery backend lands (issue 8).
import { WarehouseError } from './types.ts';
export class BigQueryWarehouse {
  constructor(_o: unknown) { throw new WarehouseError('FAILED', 'the BigQuery backend is not built yet'); }
}
