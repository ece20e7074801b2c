/**
 * Bulk operations as durable jobs: one management operation applied to every instance a list filter matches, run
 * by a built-in orchestration that pages through the filter, so that a job survives restarts and reports its
 * progress as the orchestration's custom status. The types here are the contract between the delivery adapters
 * that start and show jobs and the core that runs them.
 */
package io.taskhub.ports.jobs;
