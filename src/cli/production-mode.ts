/**
 * `silta start` runs in production mode unless NODE_ENV says otherwise: graphql-js skips its
 * development-time checks (worth 15–23 % of throughput) only when NODE_ENV is `production` as it is
 * loaded, so this module is imported first, before anything that loads graphql. It is the one place
 * besides config.ts that touches the environment, because it must run before config.ts is loaded.
 * Other commands and tests keep the NODE_ENV they were given.
 */
if (process.argv[2] === 'start' && !process.env.NODE_ENV) process.env.NODE_ENV = 'production';
