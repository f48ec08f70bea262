import { registerEnumType } from 'type-graphql';

/** What happened. */
export enum ActivityType {
  PROJECT_CREATED = 'PROJECT_CREATED',
  PROJECT_UPDATED = 'PROJECT_UPDATED',
  PROJECT_STATUS_CHANGED = 'PROJECT_STATUS_CHANGED',
  PROJECT_DELETED = 'PROJECT_DELETED',
  PARTICIPANT_ADDED = 'PARTICIPANT_ADDED',
  PARTICIPANT_REMOVED = 'PARTICIPANT_REMOVED',
  FUNDING_DECIDED = 'FUNDING_DECIDED',
  OVERLAP_FOUND = 'OVERLAP_FOUND',
  OVERLAP_REVIEWED = 'OVERLAP_REVIEWED',
  POST_PUBLISHED = 'POST_PUBLISHED',
  POST_UPDATED = 'POST_UPDATED',
  POST_WITHDRAWN = 'POST_WITHDRAWN',
}

registerEnumType(ActivityType, {
  name: 'ActivityType',
  description: 'What an activity event records.',
  valuesConfig: {
    PROJECT_CREATED: { description: 'A project was created.' },
    PROJECT_UPDATED: { description: 'A project’s details, dates, themes, target groups or locations changed.' },
    PROJECT_STATUS_CHANGED: { description: 'A project moved in its life cycle (payload: from, to).' },
    PROJECT_DELETED: { description: 'A project was deleted.' },
    PARTICIPANT_ADDED: { description: 'An organisation joined a project in a role.' },
    PARTICIPANT_REMOVED: { description: 'An organisation left a project.' },
    FUNDING_DECIDED: { description: 'A funding line’s granted amount was decided or changed.' },
    OVERLAP_FOUND: { description: 'The overlap engine found a new overlap (or a pair changed kind).' },
    OVERLAP_REVIEWED: { description: 'An analyst or coordinator reviewed an overlap.' },
    POST_PUBLISHED: { description: 'A post (news, event, partner search, result, call) was published.' },
    POST_UPDATED: { description: 'A published post was edited.' },
    POST_WITHDRAWN: { description: 'A post was withdrawn.' },
  },
});
