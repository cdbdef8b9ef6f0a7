package dev.sessionkit.servlet.app;

import java.time.Instant;

/** A value with a {@code java.time} field (refused with "add module jsr310" before). */
public record Appointment(String title, Instant at) {
}
