/** The role ladder (Reader < Writer < Maintainer < Owner), to offer only what the BFF would allow. The BFF still decides. */
import { ROLES, type TRole } from '@tocsin/contract/catalogue';

export const hasRoleAtLeast = (role: TRole | null | undefined, minimum: TRole): boolean =>
  role != null && ROLES.indexOf(role) >= ROLES.indexOf(minimum);
