package io.taskhub.http;

/** Random requests against the server over the in-memory engine. */
class RequestFuzzTest extends RequestFuzzContract {
}
