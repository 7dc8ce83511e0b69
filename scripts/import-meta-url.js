// Gives bundled CommonJS code the value ESM dependencies expect from import.meta.url.
export const import_meta_url = require('url').pathToFileURL(__filename).href;
