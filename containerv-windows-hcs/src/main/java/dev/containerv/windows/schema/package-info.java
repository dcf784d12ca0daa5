/**
 * HCS schema 2.1 and HCN schema 2.0 documents as immutable Jackson-bound records, one per schema type,
 * with the exact PascalCase key names of the Microsoft schema reference. Not exported.
 */
package dev.containerv.windows.schema;
