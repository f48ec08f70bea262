import { ConnectionType } from '../../shared/relay/connection';
import { Participation } from './participation.entity';
import { Project } from './project.entity';

export const ProjectConnection = ConnectionType(Project, 'Project', 'projects');
export const ParticipationConnection = ConnectionType(Participation, 'Participation', 'participations');
