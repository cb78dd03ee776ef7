// Manage-side sample data (companies, statuses, configuration types, configurations, contacts).
export {};
