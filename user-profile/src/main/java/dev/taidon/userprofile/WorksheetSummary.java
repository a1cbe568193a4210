package dev.taidon.userprofile;

import java.time.Instant;

/** A worksheet in a list: what it is called, what it starts from and when it changed. */
public record WorksheetSummary(String id, String title, WorksheetBase base, int cellCount, Instant updatedAt) {}
