// The intake store (core/ports.ts CustomerIntake): SQL for production, the ORM twin for the
// conformance suite and as the readable statement of what the SQL does.
export { SqlCustomerIntake } from './sql-intake.js';
export { OrmCustomerIntake } from './orm-intake.js';
