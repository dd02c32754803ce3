/** Identity that must match electron-builder.yml (checked by electron/packaging.test.ts). */
export const APP_ID = 'com.fieldbook.app';
export const PRODUCT_NAME = 'Fieldbook';
