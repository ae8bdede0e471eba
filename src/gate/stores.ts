// What outlives a call, in one plain record built once per app instance: caches and in-memory state
// (settings, the workspace's settings, the permission table, the server's version, the rate limiter,
// work in flight, the watch's queue) and the stores over the app's persistence. None keeps a logger, a user or accessors:
// each call brings its own.
import { DeliveryHistory } from '../history/DeliveryHistory';
import { PermissionGuard } from '../permissions/PermissionGuard';
import { ServerVersion } from '../delivery/ServerVersion';
import { SettingsCache } from '../settings/SettingsCache';
import { PanelRooms } from '../ui/PanelRooms';
import { BackfillStore } from '../backfill/store';
import { WorkspaceCache } from '../readiness/workspace';
import { JournalStore } from '../traffic/journal';
import { WatchQueue } from '../watch/queue';
import { WatchStore } from '../watch/WatchStore';
import { Budgets, DEFAULT_BUDGETS, InFlight } from './budget';
import { RateLimiter } from './RateLimiter';

export interface Stores {
    readonly appId: string;
    readonly budgets: Budgets;
    readonly settings: SettingsCache;
    readonly permissions: PermissionGuard;
    readonly version: ServerVersion;
    readonly limiter: RateLimiter;
    readonly inFlight: InFlight;
    readonly history: DeliveryHistory;
    readonly watchStore: WatchStore;
    readonly watchQueue: WatchQueue;
    readonly panelRooms: PanelRooms;
    /** The workspace's Omnichannel settings, for a few seconds (events read them). */
    readonly workspace: WorkspaceCache;
    readonly journal: JournalStore;
    readonly backfill: BackfillStore;
}

export function createStores(appId: string, budgets: Budgets = DEFAULT_BUDGETS): Stores {
    return {
        appId,
        budgets,
        settings: new SettingsCache(),
        permissions: new PermissionGuard(),
        version: new ServerVersion(),
        limiter: new RateLimiter(),
        inFlight: new InFlight(),
        history: new DeliveryHistory(),
        watchStore: new WatchStore(),
        watchQueue: new WatchQueue(),
        panelRooms: new PanelRooms(),
        workspace: new WorkspaceCache(),
        journal: new JournalStore(),
        backfill: new BackfillStore(),
    };
}
