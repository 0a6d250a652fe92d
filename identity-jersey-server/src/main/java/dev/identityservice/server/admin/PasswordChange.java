package dev.identityservice.server.admin;

/** The body of {@code POST /admin/users/{id}/password}. */
record PasswordChange(String password) {

    /** Never shows the password. */
    @Override
    public String toString() {
        return "PasswordChange[****]";
    }
}
