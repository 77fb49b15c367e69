/** atq's version, as package.json says (a unit test keeps the two equal): the server reports it on /api/monitoring/ping. */
export const VERSION = '0.1.0';
