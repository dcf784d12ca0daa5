/** The containerv command line. */
package dev.containerv.cli;
