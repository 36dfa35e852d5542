/**
 * The tracker's data, in memory: two organisations' projects and tasks, and the API tokens of their
 * members (token → user). Every server instance gets a fresh copy, with fresh random tokens.
 */
import { randomBytes } from 'node:crypto';

/** Who can sign in. Nina and Chloe may export; Noah and Carl may not. */
export const users = {
  nina: { tenant: 'northwind', displayName: 'Nina Novak', email: 'nina@northwind.test', scopes: ['tasks:read', 'tasks:write', 'projects:export'] },
  noah: { tenant: 'northwind', displayName: 'Noah Nakamura', email: 'noah@northwind.test', scopes: ['tasks:read', 'tasks:write'] },
  chloe: { tenant: 'contoso', displayName: 'Chloe Campbell', email: 'chloe@contoso.test', scopes: ['tasks:read', 'tasks:write', 'projects:export'] },
  carl: { tenant: 'contoso', displayName: 'Carl Castillo', email: 'carl@contoso.test', scopes: ['tasks:read', 'tasks:write'] },
};

const seedProjects = [
  { id: 'prj_nw_301', tenant: 'northwind', name: 'Warehouse move', budgetCode: 'NW-BUD-7731' },
  { id: 'prj_nw_302', tenant: 'northwind', name: 'Spring catalogue', budgetCode: 'NW-BUD-7732' },
  { id: 'prj_cs_401', tenant: 'contoso', name: 'Data centre audit', budgetCode: 'CS-BUD-9941' },
  { id: 'prj_cs_402', tenant: 'contoso', name: 'Payroll migration', budgetCode: 'CS-BUD-9942' },
];

const seedTasks = [
  { id: 'tsk_nw_3101', projectId: 'prj_nw_301', title: 'Book the trucks', assigneeEmail: 'nina@northwind.test' },
  { id: 'tsk_nw_3102', projectId: 'prj_nw_301', title: 'Label the pallets', assigneeEmail: 'noah@northwind.test' },
  { id: 'tsk_nw_3201', projectId: 'prj_nw_302', title: 'Shoot the cover', assigneeEmail: 'noah@northwind.test' },
  { id: 'tsk_cs_4101', projectId: 'prj_cs_401', title: 'Inventory the racks', assigneeEmail: 'chloe@contoso.test' },
  { id: 'tsk_cs_4102', projectId: 'prj_cs_401', title: 'Check the UPS units', assigneeEmail: 'carl@contoso.test' },
  { id: 'tsk_cs_4201', projectId: 'prj_cs_402', title: 'Freeze the pay run', assigneeEmail: 'carl@contoso.test' },
];

/** A fresh store: the seeded projects and open tasks, and one API token per user. */
export function createStore() {
  const projects = seedProjects.map((project) => ({ ...project }));
  const tenantOf = new Map(projects.map((project) => [project.id, project.tenant]));
  const tasks = seedTasks.map((task) => ({ ...task, tenant: tenantOf.get(task.projectId), status: 'open' }));
  /** token → user name */
  const tokenOwners = new Map();
  const tokens = {};
  for (const user of Object.keys(users)) {
    const token = `tk_${randomBytes(24).toString('hex')}`;
    tokenOwners.set(token, user);
    tokens[user] = token;
  }
  let created = 0;
  const nextTaskId = (tenant) => {
    created += 1;
    return `tsk_${tenant === 'northwind' ? 'nw' : 'cs'}_9${String(created).padStart(3, '0')}`;
  };
  return { projects, tasks, tokenOwners, tokens, nextTaskId };
}
