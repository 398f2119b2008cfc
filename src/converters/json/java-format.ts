// Java's number printing lives with the data model (Values needs it too); re-exported for the converters.
export { javaBigDecimalToString, javaDoubleToString, javaFloatToString, parseFloat32 } from '../../data/values.js';
