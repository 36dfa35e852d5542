/** The orders database: a Prisma-style client over memory, as the project's own module. */
export interface OrderRow {
  id: string;
  orgId: string;
  userId: string;
  item: string;
  totalCents: number;
  status: 'open' | 'cancelled' | 'refunded';
}

interface Where {
  id?: string;
  orgId?: string;
  userId?: string;
  status?: OrderRow['status'] | undefined;
}

const rows: OrderRow[] = [];

const matches = (row: OrderRow, where: Where): boolean =>
  Object.entries(where).every(([key, value]) => value === undefined || row[key as keyof OrderRow] === value);

export const db = {
  order: {
    async findMany(args: { where: Where; take?: number }): Promise<OrderRow[]> {
      return rows.filter((row) => matches(row, args.where)).slice(0, args.take ?? rows.length);
    },
    async findUnique(args: { where: { id: string } }): Promise<OrderRow | null> {
      return rows.find((row) => row.id === args.where.id) ?? null;
    },
    async update(args: { where: Where; data: Partial<OrderRow> }): Promise<OrderRow> {
      const row = rows.find((candidate) => matches(candidate, args.where));
      if (row === undefined) throw new Error('Order not found.');
      return Object.assign(row, args.data);
    },
  },
};
