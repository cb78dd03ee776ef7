/** Every grant the Manage simulator knows: an API member with all of them passes the preflight. */
export const ALL_GRANTS = [
  'Companies / Company Maintenance',
  'Companies / Configurations',
  'Companies / Contacts',
  'System / API Reports',
  'System / Member Maintenance',
  'System / Table Setup',
];
