// The app's association keys in Rocket.Chat's app persistence: every record the app keeps is found
// by these.
import { RocketChatAssociationModel, RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

/** An association of the app's own: `livechat-webhook-test:<name>`. */
export const appKey = (name: string) => new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, `livechat-webhook-test:${name}`);

/** Unique to one record: Rocket.Chat's removeByAssociations deletes only one of the records it matches. */
export const recordKey = (nonce: string) => appKey(`record:${nonce}`);
