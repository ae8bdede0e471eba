// Filters and figures over the kept deliveries (what GitHub's and Svix's delivery logs show). Pure.
import type { Verdict } from '../delivery/report';
import type { EventType } from '../payloads/eventTypes';

export interface HistoryFilters {
    verdict?: Verdict;
    event?: EventType;
    source?: 'sample' | 'room' | 'watch' | 'check' | 'backfill';
}

export interface Figures {
    total: number;
    byVerdict: { [verdict: string]: number };
    /** Delivered / total; null when there is nothing to count. */
    successRate: number | null;
    /** Percentiles of durationMs over the deliveries that were sent (nearest rank); null when none was. */
    p50Ms: number | null;
    p95Ms: number | null;
}

export interface HistoryStats extends Figures {
    byEvent: { [event: string]: Figures };
}

interface Counted {
    event: string;
    verdict: Verdict;
    durationMs?: number;
    source: { kind: string };
}

export function matches(item: Counted, filters: HistoryFilters): boolean {
    return (
        (filters.verdict === undefined || item.verdict === filters.verdict) &&
        (filters.event === undefined || item.event === filters.event) &&
        (filters.source === undefined || item.source.kind === filters.source)
    );
}

export function statsOf(items: Array<Counted>): HistoryStats {
    const byEvent: { [event: string]: Figures } = {};
    for (const event of [...new Set(items.map((item) => item.event))].sort()) {
        byEvent[event] = figuresOf(items.filter((item) => item.event === event));
    }
    return { ...figuresOf(items), byEvent };
}

function figuresOf(items: Array<Counted>): Figures {
    const byVerdict: { [verdict: string]: number } = {};
    for (const item of items) {
        byVerdict[item.verdict] = (byVerdict[item.verdict] || 0) + 1;
    }
    const durations = items
        .map((item) => item.durationMs)
        .filter((ms): ms is number => typeof ms === 'number')
        .sort((a, b) => a - b);
    return {
        total: items.length,
        byVerdict,
        successRate: items.length ? round((byVerdict.delivered || 0) / items.length) : null,
        p50Ms: percentile(durations, 50),
        p95Ms: percentile(durations, 95),
    };
}

/** Nearest rank: the smallest value with at least p % of the values at or below it. */
export function percentile(sorted: Array<number>, p: number): number | null {
    if (sorted.length === 0) {
        return null;
    }
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function round(value: number): number {
    return Math.round(value * 10000) / 10000;
}
