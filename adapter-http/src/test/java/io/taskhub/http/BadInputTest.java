package io.taskhub.http;

/** The bad-input corpus on the in-memory reference store. */
class BadInputTest extends BadInputContract {
}
