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
 * The app's records, copied on the way in and out as a database would (no shared references). Each
 * call takes a database round trip (`latencyMs`), so concurrent read-modify-writes can interleave as
 * they do on a real host.
 */
export class PersistenceStore {
    public readonly records: Array<PersistedRecord> = [];
    public writes = 0;
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
            read: async (id: string) => this.roundTrip(() => this.copy(this.records.find((record) => record.id === id)?.data) as object),
            readByAssociation: async (association) => this.roundTrip(() => this.matching([association]).map((record) => this.copy(record.data))),
            readByAssociations: async (associations) => this.roundTrip(() => this.matching(associations).map((record) => this.copy(record.data))),
        });
    }

    public writer(): IPersistence {
        return loud<IPersistence>('Persistence', {
            createWithAssociation: async (data, association) => this.roundTrip(() => this.create(data, [association])),
            createWithAssociations: async (data, associations) => this.roundTrip(() => this.create(data, associations)),
            updateByAssociation: async (association, data, upsert = false) => this.roundTrip(() => this.update([association], data, upsert)),
            updateByAssociations: async (associations, data, upsert = false) => this.roundTrip(() => this.update(associations, data, upsert)),
            removeByAssociation: async (association) => this.roundTrip(() => this.remove([association])),
            removeByAssociations: async (associations) => this.roundTrip(() => this.remove(associations)),
        });
    }

    /** The same store as the engine's PersistenceBridge methods, for the real-runtime host. */
    public bridgeMethods(): { [name: string]: (...args: Array<any>) => Promise<unknown> } {
        return {
            purge: async () => {
                this.records.length = 0;
            },
            createWithAssociations: (data: object, associations: Array<Association>) => this.roundTrip(() => this.create(data, associations)),
            readByAssociations: (associations: Array<Association>) => this.roundTrip(() => this.matching(associations).map((record) => this.copy(record.data))),
            updateByAssociations: (associations: Array<Association>, data: object, upsert: boolean) => this.roundTrip(() => this.update(associations, data, upsert)),
            removeByAssociations: (associations: Array<Association>) => this.roundTrip(() => this.remove(associations)),
        };
    }

    private async roundTrip<T>(work: () => T | Promise<T>): Promise<T> {
        if (this.latencyMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        }
        return work();
    }

    private async create(data: object, associations: Array<Association>): Promise<string> {
        this.write();
        const record = { id: `record-${this.nextId++}`, associations: associations.map(keyOf), data: this.copy(data) };
        this.records.push(record);
        return record.id;
    }

    private async update(associations: Array<Association>, data: object, upsert: boolean): Promise<string> {
        this.write();
        const existing = this.matching(associations);
        if (existing.length === 0) {
            return upsert ? this.create(data, associations) : '';
        }
        for (const record of existing) {
            record.data = this.copy(data);
        }
        return existing[0].id;
    }

    private async remove(associations: Array<Association>): Promise<Array<object>> {
        this.write();
        const removed = this.matching(associations);
        for (const record of removed) {
            this.records.splice(this.records.indexOf(record), 1);
        }
        return removed.map((record) => record.data);
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

    private matching(associations: Array<Association>): Array<PersistedRecord> {
        const wanted = associations.map(keyOf);
        return this.records.filter((record) => wanted.every((key) => record.associations.some((own) => own.model === key.model && own.id === key.id)));
    }
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

    public roomReader(): IRoomRead {
        return loud<IRoomRead>('RoomRead', {
            getById: async (id: string) => copy(this.rooms.get(id)),
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
