package dev.identityservice.server.setup;

import java.util.Locale;

/**
 * What {@link SetupImporter} does with an entity of the file that already exists (configuration key
 * {@code import.mode}).
 */
public enum ImportMode {
    /**
     * The default: create what is missing and leave what exists alone, so that a restart with the same
     * {@code --import} never undoes what was changed through the management API.
     */
    CREATE_MISSING("create-missing"),
    /** The file is the source of truth for what it lists: existing entries are updated to match it. */
    SYNC("sync");

    private final String value;

    ImportMode(String value) {
        this.value = value;
    }

    /** The configuration spelling: {@code create-missing} or {@code sync}. */
    public String value() {
        return value;
    }

    /** The mode spelled {@code value}; {@link IllegalArgumentException} listing the two spellings otherwise. */
    public static ImportMode parse(String value) {
        for (ImportMode mode : values()) {
            if (mode.value.equals(value.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not create-missing or sync");
    }
}
