package io.taskhub.ports.errors;

/** Why an operation is refused in a status; delivery adapters map each kind to one HTTP status. */
public enum Refusal {
    /** The instance has finished; the operation can never apply again (HTTP 410). */
    GONE,
    /** The instance is in a status that conflicts with the operation (HTTP 409). */
    CONFLICT,
    /** The operation needs a status the instance is not in (HTTP 412, as rewind uses). */
    PRECONDITION_FAILED
}
