/**
 * The checks every entry point applies to what callers send: instance ids, storable text, supported times, task hub
 * names and continuation tokens. Each refuses bad input with an {@link io.taskhub.ports.errors.InvalidArgumentException}
 * that names the problem, the same on every backend.
 */
package io.taskhub.ports.rules;
