// Hudu-side sample data (pre-existing companies, asset layouts).
export {};
