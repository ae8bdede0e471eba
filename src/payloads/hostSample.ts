/**
 * The sample that Rocket.Chat's `POST /api/v1/livechat/webhook.test` sends, field for field.
 * Dates are ISO-8601 strings: that is what the host's JSON serialisation puts on the wire.
 */
export interface SampleMessage {
    username: string;
    agentId?: string;
    msg: string;
    ts: string;
}

export interface LivechatSessionSample {
    type: 'LivechatSession';
    _id: string;
    label: string;
    topic: string;
    createdAt: string;
    lastMessageAt: string;
    tags: Array<string>;
    customFields: { productId: string };
    visitor: {
        _id: string;
        name: string;
        username: string;
        department: string;
        email: string;
        phone: string;
        ip: string;
        browser: string;
        os: string;
        customFields: { customerId: string };
    };
    agent: { _id: string; username: string; name: string; email: string };
    messages: Array<SampleMessage>;
}

export function buildSamplePayload(now: Date): LivechatSessionSample {
    const ts = now.toISOString();
    return {
        type: 'LivechatSession',
        _id: 'fasd6f5a4sd6f8a4sdf',
        label: 'title',
        topic: 'asiodojf',
        createdAt: ts,
        lastMessageAt: ts,
        tags: ['tag1', 'tag2', 'tag3'],
        customFields: { productId: '123456' },
        visitor: {
            _id: '',
            name: 'visitor name',
            username: 'visitor-username',
            department: 'department',
            email: 'email@address.com',
            phone: '192873192873',
            ip: '123.456.7.89',
            browser: 'Chrome',
            os: 'Linux',
            customFields: { customerId: '123456' },
        },
        agent: {
            _id: 'asdf89as6df8',
            username: 'agent.username',
            name: 'Agent Name',
            email: 'agent@email.com',
        },
        messages: [
            { username: 'visitor-username', msg: 'message content', ts },
            { username: 'agent.username', agentId: 'asdf89as6df8', msg: 'message content from agent', ts },
        ],
    };
}
