/** The containerv conformance suite. */
package dev.containerv.testkit;
