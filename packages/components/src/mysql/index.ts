export { Mysql, mysqlStatefulSet, validateMysqlArgs, type MysqlArgs, type MysqlInClusterArgs, type MysqlExternalArgs } from "./mysql";
