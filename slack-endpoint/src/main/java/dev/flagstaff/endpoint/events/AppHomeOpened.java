package dev.flagstaff.endpoint.events;

/**
 * The part of an {@code app_home_opened} event the worker needs.
 *
 * @param viewHash the hash of the view the user has, or {@code null}; passed to views.publish so a stale view
 *     never overwrites a newer one
 */
public record AppHomeOpened(String eventId, String teamId, String userId, String tab, String viewHash) {}
