package dev.identityservice.server;

/**
 * A start refused for a reason the operator can fix: its message is the whole story, one line naming the
 * setting or file to change, so {@code main} prints it without a stack trace.
 */
public final class StartFailure extends IllegalArgumentException {

    public StartFailure(String message) {
        super(message);
    }
}
