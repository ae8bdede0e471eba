// What the host stores for the app: its persistence records and the rooms, users and messages the
// app may read. Shaped after the engine's IPersistence / IPersistenceRead / IRoomRead / IUserRead.
import * as v8 from 'v8';

import { IPersistence, IPersistenceRead, IRoomRead, IUserRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IMessageRaw } from '@rocket.chat/apps-engine/definition/messages';
import { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';
import { GetMessagesOptions, IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { loud } from './fakes';

interface AssociationKey {
    model: string;
    id: string;
}

/** What the app hands over (RocketChatAssociationRecord), or the plain form it crosses the runtime's process boundary in. */
type Association = RocketChatAssociationRecord | AssociationKey;

interface PersistedRecord {
    id: string;
    associations: Array<AssociationKey>;
    data: object;
}

/**
 * The app's records, as Rocket.Chat's own persistence bridge keeps them (AppPersistenceBridge over
 * MongoDB, the driver era: 6.x and later). Its rules, which the app has to live with:
 * - `readByAssociations` and `removeByAssociations` match records holding ALL the given
 *   associations (`$all`; extra ones allowed);
 * - `removeByAssociations` answers the data of every match but deletes only ONE (`deleteOne`);
 * - `updateByAssociations` matches the association list EXACTLY (same entries, same order),
 *   replaces the data of ONE record (`updateOne`, upserting when asked), and then answers
 *   `upsertedId.toString()`: when an existing record was updated (or nothing matched without
 *   upsert) that id is null, so the call REJECTS although the update was applied;
 * - `update(id)` throws `Not implemented.`; `readById` answers `{}` for an unknown id.
 * Records are copied on the way in and out as a database would (no shared references), and each
 * call takes a round trip (`latencyMs`), so concurrent read-modify-writes interleave as on a host.
 */
export class PersistenceStore {
    public readonly records: Array<PersistedRecord> = [];
    public writes = 0;
    /** Calls that reached the store, reads included. */
    public calls = 0;
    public latencyMs = 2;
    /** Copies in and out as a database would; the benchmark turns it off to time the app alone. */
    public copies = true;
    private failures = 0;
    private nextId = 1;

    /** Makes the next `count` writes reject, as a host whose database is down would. */
    public failWrites(count = 1): void {
        this.failures = count;
    }

    public reader(): IPersistenceRead {
        return loud<IPersistenceRead>('PersistenceRead', {
            read: async (id: string) => this.roundTrip(() => this.readById(id)),
            readByAssociation: async (association) => this.roundTrip(() => this.readByAssociations([association])),
            readByAssociations: async (associations) => this.roundTrip(() => this.readByAssociations(associations)),
        });
    }

    /** The engine's Persistence accessor: each call is the bridge call it makes (one association becomes a list of one). */
    public writer(): IPersistence {
        return loud<IPersistence>('Persistence', {
            create: async (data) => this.roundTrip(() => this.create(data, undefined)),
            createWithAssociation: async (data, association) => this.roundTrip(() => this.create(data, [association])),
            createWithAssociations: async (data, associations) => this.roundTrip(() => this.create(data, associations)),
            update: async () => this.roundTrip(() => this.updateById()),
            updateByAssociation: async (association, data, upsert = false) => this.roundTrip(() => this.updateByAssociations([association], data, upsert)),
            updateByAssociations: async (associations, data, upsert = false) => this.roundTrip(() => this.updateByAssociations(associations, data, upsert)),
            remove: async (id: string) => this.roundTrip(() => this.removeById(id) as object),
            removeByAssociation: async (association) => this.roundTrip(() => this.removeByAssociations([association])),
            removeByAssociations: async (associations) => this.roundTrip(() => this.removeByAssociations(associations)),
        });
    }

    /** The same store as the engine's PersistenceBridge methods, for the real-runtime host. */
    public bridgeMethods(): { [name: string]: (...args: Array<any>) => Promise<unknown> } {
        return {
            // Rocket.Chat's purge is a deleteOne({ appId }) too.
            purge: () =>
                this.roundTrip(async () => {
                    this.write();
                    this.records.splice(0, 1);
                }),
            create: (data: object) => this.roundTrip(() => this.create(data, undefined)),
            createWithAssociations: (data: object, associations: Array<Association>) => this.roundTrip(() => this.create(data, associations)),
            readById: (id: string) => this.roundTrip(() => this.readById(id)),
            readByAssociations: (associations: Array<Association>) => this.roundTrip(() => this.readByAssociations(associations)),
            update: () => this.roundTrip(() => this.updateById()),
            updateByAssociations: (associations: Array<Association>, data: object, upsert: boolean) =>
                this.roundTrip(() => this.updateByAssociations(associations, data, upsert)),
            remove: (id: string) => this.roundTrip(() => this.removeById(id)),
            removeByAssociations: (associations: Array<Association>) => this.roundTrip(() => this.removeByAssociations(associations)),
        };
    }

    /** Records holding all these associations ($all), in insertion order. */
    public matching(associations: Array<Association>): Array<PersistedRecord> {
        const wanted = associations.map(keyOf);
        return this.records.filter((record) => wanted.every((key) => record.associations.some((own) => sameKey(own, key))));
    }

    private async roundTrip<T>(work: () => T | Promise<T>): Promise<T> {
        this.calls++;
        if (this.latencyMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        }
        return work();
    }

    private create(data: object, associations: Array<Association> | undefined): string {
        checkData(data);
        this.write();
        const record: PersistedRecord = { id: `record-${this.nextId++}`, associations: (associations || []).map(keyOf), data: this.copy(data) };
        this.records.push(record);
        return record.id;
    }

    private readById(id: string): object {
        const record = this.records.find((candidate) => candidate.id === id);
        return record ? this.copy(record.data) : {};
    }

    private readByAssociations(associations: Array<Association>): Array<object> {
        return this.matching(associations).map((record) => this.copy(record.data));
    }

    private updateById(): never {
        throw new Error('Not implemented.');
    }

    private updateByAssociations(associations: Array<Association>, data: object, upsert: boolean): string {
        checkData(data);
        this.write();
        const wanted = associations.map(keyOf);
        const existing = this.records.find(
            (record) => record.associations.length === wanted.length && record.associations.every((own, index) => sameKey(own, wanted[index])),
        );
        if (existing) {
            existing.data = this.copy(data);
        } else if (upsert) {
            const record: PersistedRecord = { id: `record-${this.nextId++}`, associations: wanted, data: this.copy(data) };
            this.records.push(record);
            return record.id;
        }
        // `result.upsertedId.toString()` with no upsert having happened.
        throw new TypeError("Cannot read properties of null (reading 'toString')");
    }

    private removeById(id: string): object | undefined {
        this.write();
        const index = this.records.findIndex((record) => record.id === id);
        if (index < 0) {
            return undefined;
        }
        const [removed] = this.records.splice(index, 1);
        return removed.data;
    }

    private removeByAssociations(associations: Array<Association>): Array<object> {
        this.write();
        const matches = this.matching(associations);
        if (matches.length > 0) {
            this.records.splice(this.records.indexOf(matches[0]), 1);
        }
        return matches.map((record) => this.copy(record.data));
    }

    private copy<T>(value: T): T {
        return this.copies ? copy(value) : value;
    }

    private write(): void {
        if (this.failures > 0) {
            this.failures--;
            throw new Error('database unavailable');
        }
        this.writes++;
    }
}

function checkData(data: unknown): void {
    if (typeof data !== 'object') {
        throw new Error('Attempted to store an invalid data type, it must be an object.');
    }
}

function sameKey(a: AssociationKey, b: AssociationKey): boolean {
    return a.model === b.model && a.id === b.id;
}

/** Rooms, their messages and users, as the engine's RoomRead and UserRead serve them. */
export class RoomStore {
    private readonly rooms = new Map<string, IRoom>();
    private readonly messages = new Map<string, Array<IMessageRaw>>();
    private readonly users = new Map<string, IUser>();

    public addRoom(room: IRoom, messages: Array<IMessageRaw> = []): void {
        this.rooms.set(room.id, room);
        this.messages.set(room.id, messages);
    }

    public addUser(user: IUser): void {
        this.users.set(user.id, user);
    }

    /** A message sent in a room (the room's other messages stay). */
    public addMessage(roomId: string, message: IMessageRaw): void {
        this.messages.set(roomId, [...(this.messages.get(roomId) || []), message]);
    }

    /** The room as it is now (its messages stay). */
    public updateRoom(room: IRoom): void {
        this.rooms.set(room.id, room);
    }

    public room(id: string): IRoom | undefined {
        return this.rooms.get(id);
    }

    public roomReader(): IRoomRead {
        return loud<IRoomRead>('RoomRead', {
            getById: async (id: string) => copy(this.rooms.get(id)),
            getByName: async (name: string) => copy([...this.rooms.values()].find((room) => room.slugifiedName === name)),
            getMessages: async (roomId: string, options: Partial<GetMessagesOptions> = {}) => {
                // The engine's RoomRead checks these before asking the host.
                if (options.limit !== undefined && (!Number.isFinite(options.limit) || options.limit > 100)) {
                    throw new Error(`Invalid limit provided. Expected number <= 100, got ${options.limit}`);
                }
                const direction = options.sort && options.sort.createdAt === 'desc' ? -1 : 1;
                const sorted = [...(this.messages.get(roomId) || [])].sort((a, b) => direction * (a.createdAt.getTime() - b.createdAt.getTime()));
                const skip = options.skip || 0;
                return copy(sorted.slice(skip, skip + (options.limit ?? 100)));
            },
        });
    }

    public userReader(appUser: IUser): IUserRead {
        return loud<IUserRead>('UserRead', {
            getAppUser: async () => appUser,
            getById: async (id: string) => copy(this.users.get(id)) as IUser,
            getByUsername: async (username: string) => copy([...this.users.values()].find((user) => user.username === username)) as IUser,
        });
    }
}

function keyOf(association: Association): AssociationKey {
    return 'getModel' in association ? { model: association.getModel(), id: association.getID() } : { model: association.model, id: association.id };
}

/** A deep copy that keeps Dates, as the host's database and bridges do. */
function copy<T>(value: T): T {
    return value === undefined ? value : v8.deserialize(v8.serialize(value));
}
