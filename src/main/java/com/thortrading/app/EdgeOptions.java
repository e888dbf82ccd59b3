package com.thortrading.app;

import java.util.List;
import java.util.Optional;

/**
 * Who may reach the service and how fast.
 *
 * @param operatorToken {@code THOR_ADMIN_TOKEN}; empty: the generated operator token stored in PostgreSQL
 * @param metricsToken {@code THOR_METRICS_TOKEN}: may read {@code /metrics} only
 * @param allowedOrigins browser origins besides the service's own ({@code THOR_ALLOWED_ORIGINS})
 * @param orderRatePerSecond orders (and cancels and replaces) a second per token; bursts of twice that
 * @param authFailuresPerMinute bad tokens an address may present a minute (after a burst of 10) before it waits
 * @param engineTimeout how long a request waits for the order engine; a change not answered by then is 504
 *     {@code OUTCOME_UNKNOWN}, and the engine rolls it back if it has not committed by then
 */
public record EdgeOptions(Optional<String> operatorToken, Optional<String> metricsToken, List<String> allowedOrigins,
    int orderRatePerSecond, int authFailuresPerMinute, java.time.Duration engineTimeout) {
}
