import { DeliveryHistory } from '../history/DeliveryHistory';
import { PermissionGuard } from '../permissions/PermissionGuard';
import { SettingsCache } from '../settings/SettingsCache';
import { Log } from '../util/log';
import { Access } from './access';
import { Sender } from './send';
import { WebhookTestRunner } from './WebhookTestRunner';

/** One runner (one permission cache, one settings cache, one history) behind every entry point. */
export function createRunner(log: Log): WebhookTestRunner {
    const history = new DeliveryHistory(log);
    return new WebhookTestRunner(new Access(new PermissionGuard(log), new SettingsCache()), history, new Sender(history, log), log);
}
