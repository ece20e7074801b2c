/** What a caller asks the store for in bulk: a filtered page of instances, and the finished instances to purge. */
package io.taskhub.ports.query;
