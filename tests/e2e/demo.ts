// The seeded demo data the browser tests work on (local/demo-data.yaml).
export const LAMBDA_SERVER = 's-1a2b3c4d5e6f70819';
export const USERS_URL = `/servers/${LAMBDA_SERVER}/users`;
export const DEMO_PASSWORDS = { alice: 'Demo-Alice-2026', carol: 'Demo-Carol-2026' };
