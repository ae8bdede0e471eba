import { IHttp, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { CallerCredentials } from '../permissions/PermissionGuard';

/** The accessors of one call into the app. */
export interface Accessors {
    read: IRead;
    http: IHttp;
    persis: IPersistence;
}

/** Who asks, and the accessors of the call. */
export interface Caller extends Accessors {
    user?: IUser;
    /** Present for API calls; slash commands and buttons carry none, so they rely on a table read earlier. */
    credentials?: CallerCredentials;
}
