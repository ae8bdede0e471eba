import { DeliveryHistory } from '../history/DeliveryHistory';
import { PermissionGuard } from '../permissions/PermissionGuard';
import { SettingsCache } from '../settings/SettingsCache';
import { Log } from '../util/log';
import { Watch } from '../watch/Watch';
import { Access } from './access';
import { Sender } from './send';
import { WebhookTestRunner } from './WebhookTestRunner';

/** One runner (one permission cache, one settings cache, one history, one watch) behind every entry point. */
export function createRunner(log: Log, appId: string): WebhookTestRunner {
    const history = new DeliveryHistory(log);
    const settings = new SettingsCache();
    const sender = new Sender(history, log);
    return new WebhookTestRunner(new Access(new PermissionGuard(log), settings), history, sender, log, new Watch(settings, sender, log, appId));
}
